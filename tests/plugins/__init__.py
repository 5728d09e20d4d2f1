"""Code the tests plug into the tool as a user's own would be: a writer of their own."""
