"""Ingestion pipeline: read regulations, parse their structure, chunk, embed and index."""
