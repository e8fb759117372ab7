from tests.hqkit import hq, hq_db, make_counter  # noqa: F401  (fixtures)
