"""Where atmos-auth keeps things: atomic files, the credential store, AWS SDK files, SSO tokens, Docker state."""
