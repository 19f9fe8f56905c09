"""Travel minutes between schools: shortest paths on the road graph, or an estimate from coordinates."""

from __future__ import annotations

import math
from functools import lru_cache

import networkx as nx
import numpy as np
import pandas as pd


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km (works on scalars or numpy arrays)."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(x, dtype=float)) for x in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def commute_minutes(km, detour_factor: float, speed_kmh: float):
    """Home-to-school minutes estimated from great-circle km (homes are not on the road graph): R17, commutes."""
    return np.asarray(km, dtype=float) * detour_factor / speed_kmh * 60.0


def beyond_commute(km, pol) -> np.ndarray:
    """R17: whose home is farther than commute_minutes_max from the school (home-to-school km; unknown: no)."""
    minutes = commute_minutes(km, pol.detour_factor, pol.road_speed_kmh)
    return ~np.isnan(minutes) & (np.nan_to_num(minutes) > pol.commute_minutes_max)


def road_graph(roads: pd.DataFrame | None) -> nx.Graph | None:
    """The undirected road graph; a repeated road keeps its shortest minutes."""
    if roads is None or roads.empty:
        return None
    g = nx.Graph()
    for a, b, m in zip(roads["from"], roads["to"], roads["minutes"]):
        if a == b:
            continue
        if g.has_edge(a, b) and g[a][b]["minutes"] <= m:
            continue
        g.add_edge(a, b, minutes=float(m))
    return g


class Travel:
    """Travel minutes between schools of the scenario.

    With a road graph, minutes are exact shortest paths (Dijkstra, cached per source school);
    without one, great-circle km x `detour_factor` / `road_speed_kmh`.
    """

    def __init__(self, schools: pd.DataFrame, roads: pd.DataFrame | None, detour_factor: float, speed_kmh: float):
        self.coords = {sid: (lat, lon) for sid, lat, lon in zip(schools["school_id"], schools["lat"], schools["lon"])}
        self.township_of = dict(zip(schools["school_id"], schools["township"]))
        self.detour_factor = detour_factor
        self.speed_kmh = speed_kmh
        self.graph = road_graph(roads)
        self._from = lru_cache(maxsize=None)(self._from_source)

    @property
    def on_roads(self) -> bool:
        return self.graph is not None

    def estimate(self, a_lat, a_lon, b_lat, b_lon) -> float:
        km = haversine_km(a_lat, a_lon, b_lat, b_lon)
        return float(km * self.detour_factor / self.speed_kmh * 60.0)

    def _from_source(self, a: str, cutoff: float | None) -> dict[str, float]:
        assert self.graph is not None  # callers use the road graph only when there is one
        if a not in self.graph:
            return {a: 0.0}
        return nx.single_source_dijkstra_path_length(self.graph, a, cutoff=cutoff, weight="minutes")

    def minutes(self, a: str, b: str) -> float:
        """Shortest travel minutes from school a to school b (inf if not connected)."""
        if a == b:
            return 0.0
        if self.graph is None:
            (la, oa), (lb, ob) = self.coords[a], self.coords[b]
            return round(self.estimate(la, oa, lb, ob), 1)
        return float(self._from(a, None).get(b, math.inf))

    def township_minutes(self, township: str, cutoff: float | None = None) -> dict[tuple[str, str], float]:
        """Minutes between every pair of schools of one township (pairs beyond `cutoff` are left out)."""
        ids = [s for s, t in self.township_of.items() if t == township]
        out: dict[tuple[str, str], float] = {}
        for a in ids:
            if self.graph is None:
                row = {b: self.minutes(a, b) for b in ids}
            else:
                dist = self._from(a, cutoff)
                row = {b: float(dist[b]) for b in ids if b in dist}
            for b, m in row.items():
                if cutoff is None or m <= cutoff:
                    out[(a, b)] = m
        return out

    def components(self) -> dict[str, int]:
        """Connected-component number of every node of the road graph."""
        comp = {}
        for i, nodes in enumerate(nx.connected_components(self.graph)):
            for n in nodes:
                comp[n] = i
        return comp
