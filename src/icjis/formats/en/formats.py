"""English date formats for the pages: day, month name and year, and the 24-hour clock, as the
Kyrgyz and Russian pages count them. Django's own English formats are American ("07/29/2027
9:00 a.m."), which a reader here takes for the 7th of the 29th month, or the 7th of July when the
day is 12 or less. Input formats are Django's (the forms take ISO dates)."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1  # Monday
