"""The linear detection pass: normalise, decode, one Hyperscan scan, confirm candidates.

`normalize` folds the forms people (and evasions) use for digits, spaces, dashes and
invisible characters into one; `decode` finds percent-encoded, base64 and hex layers
and yields what they decode to; `automaton` runs every recognizer's pattern at once
over an event's strings; `engine` confirms, validates and scores the candidates the
automaton found, with the recognizer's own regex, only where it fired.
"""
