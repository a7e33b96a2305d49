# "T" names the zone ("+05", "CEST"): a list may hold times of conferences in different zones.
DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i T"
