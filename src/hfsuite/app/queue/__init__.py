"""The download queue: the manager, its runner threads, task specs and outcomes, adding tasks."""
