"""Extraction: pipeline components that turn document text into mentions and claims."""
