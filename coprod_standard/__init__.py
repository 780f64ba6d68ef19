"""The Co-production Data Standard toolkit."""
