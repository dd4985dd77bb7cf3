"""Single sign-on with OpenID Connect: HR's providers, signing in through them, and the
"SSO only" rule. See docs/identity.md."""
