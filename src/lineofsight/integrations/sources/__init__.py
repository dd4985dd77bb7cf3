"""Data sources: key results that take their value from another system (a JSON or CSV
address, a SQL query, Jira, Salesforce, HubSpot), on a schedule or when asked."""
