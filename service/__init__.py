"""unspun's HTTP API: a thin Flask layer over `model.Detector` (see service.app.create_app)."""
