"""The measuring suite behind `make bench`: a bulk dataset, scenarios, a floor and a peer."""
