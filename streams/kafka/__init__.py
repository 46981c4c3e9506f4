"""Kafka plumbing: a local broker from jars, topic specs, client settings."""
