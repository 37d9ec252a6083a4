"""Pages of the supervision app, one module per concern."""
