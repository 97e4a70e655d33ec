from tests.access import COORDINATORS, EVERYONE

PAGES = {
    "/results/": EVERYONE,
    "/results/citywide": EVERYONE,
    "/results/benchmarks": EVERYONE,
    "/results/import": COORDINATORS,
}
