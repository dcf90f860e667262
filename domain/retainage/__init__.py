"""Retainage (DESIGN.md §7.3): a share of each progress invoice withheld until released."""
