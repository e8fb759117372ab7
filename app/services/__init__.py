"""Use cases as functions over a unit of work; each business operation is one transaction."""
