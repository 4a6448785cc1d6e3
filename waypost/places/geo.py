"""Distances on the Earth's surface, in miles (the unit US readers use)."""

import math

EARTH_RADIUS_MI = 3958.8
MILES_PER_DEGREE_LAT = 69.0


def distance_mi(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle (haversine) distance between two points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MI * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lng: float, radius_mi: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lng, max_lng) enclosing a circle: a cheap index pre-filter."""
    dlat = radius_mi / MILES_PER_DEGREE_LAT
    # The circle's widest longitude is asin(sin(r/R) / cos(lat)), wider than r / (R cos(lat))
    # far north: the flat approximation left out points of a large circle in Alaska.
    reach = math.sin(min(radius_mi / EARTH_RADIUS_MI, math.pi / 2))
    cos_lat = max(math.cos(math.radians(lat)), 1e-9)
    if reach >= cos_lat:
        return lat - dlat, lat + dlat, -180.0, 180.0  # the circle reaches over a pole
    dlng = max(
        math.degrees(math.asin(reach / cos_lat)), radius_mi / (MILES_PER_DEGREE_LAT * cos_lat)
    )
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng
