"""python -m coach: the same as the coach command."""

from coach.entry import main

main()
