"""RQ side of Grunnskjema: the worker entry point and thin jobs around the app's services."""
