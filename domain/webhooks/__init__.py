"""Webhooks: endpoints per account, deliveries of their events, signed per Standard Webhooks."""
