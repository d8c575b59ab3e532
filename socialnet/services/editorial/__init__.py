"""The editorial calendar (issue #18): ``items`` (checks, create, change, list) and
``calendar`` (month and week views, the .ics export)."""
