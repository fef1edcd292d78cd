"""A zoo of implementations that are each wrong in one plausible way, and equivalent ones that are right."""
