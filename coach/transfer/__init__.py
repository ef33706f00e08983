"""Import journals (jrnl, Day One, Markdown), export everything, back up and restore the store."""
