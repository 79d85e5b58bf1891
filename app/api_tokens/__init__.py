"""API tokens: created and revoked by an organisation's owners, used by BI tools to read the JSON API."""
