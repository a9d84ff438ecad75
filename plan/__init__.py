"""What the plan is: the plan and its state, units and their staff, tasks and their responsible
units, thematic boxes (专栏) and safeguards; reporting periods and due dates; roles and who may do
what; the plan loader; the figures cache; Excel reading and writing and its guards.

The lowest app: it imports none of the others (DESIGN.md: ``plan`` <- ``supervision`` <-
``projects``, ``indicators`` <- ``dashboard``).
"""
