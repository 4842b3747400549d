"""Recipe: a method's card (catalog/) and the settings (settings/) made into one run's TrainConfig,
the one builder of (method, data set, user choices) -> settings (build.py: `config_for`), and what
each setting of that run drives (drives.py). Above the catalog, which it reads. Torch-free."""
