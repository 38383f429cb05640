"""The law as the engine applies it: what a case is (model, input gate, interview
questions), the registry of bodies and benefits, places, appeal routes, rights, deadlines,
the analysis, and the legal references with their sources. Imports only `core`."""
