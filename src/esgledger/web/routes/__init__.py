"""The application's routes, one module per area."""
