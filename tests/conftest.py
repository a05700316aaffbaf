pytest_plugins = ["tests.serving.postgres_fixture"]
