"""Publishing the built graph elsewhere."""
