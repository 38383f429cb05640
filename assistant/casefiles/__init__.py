"""Case files that last: the tables, the store (sealed at rest), roles and accounts, the
follow-up ladder, the dashboard, review statuses, the person's copy and calendars; `service`
opens the store with the ladder plugged in. Imports `law`, `letters` and `core`; never pages."""
