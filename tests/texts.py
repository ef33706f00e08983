"""Awkward texts every text field must store and return byte for byte."""

FAMILY_EMOJI = "👩‍👩‍👧‍👦 family 🏳️‍🌈"
RTL = "مرحبا بالعالم — שלום עולם"
BRACKETS = "[bold]not bold[/] [link=x]y[/link] [[[ ]]] [/"
MIXED = "Ünïcödé\ttab  double  space\nsecond line\r\nthird"
AWKWARD = [FAMILY_EMOJI, RTL, BRACKETS, MIXED]
