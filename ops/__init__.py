"""Running the CMS as a county runs production: health, limits, logs, headers, backups."""
