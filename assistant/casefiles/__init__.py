"""Case files that last: the store (sealed at rest), accounts and roles, the follow-up
ladder, review statuses and calendars. Imports `law`, `letters` and `core`; never pages."""
