"""Scale: the registered champion scores a feature table on Spark (local mode) via spark_udf."""

import numpy as np
import pytest

pytestmark = pytest.mark.slow


def test_spark_udf_scores_a_feature_table_like_the_local_scorer(scored_world):
    import mlflow.pyfunc
    from pyspark.sql import functions as F

    from features.catalogue import spark_session
    from features.data import load_dataset
    from serving.scoring import Scorer
    from serving.scoring.run import scoring_features

    scorer = Scorer.from_registry(scored_world.model_uri)
    with load_dataset(scored_world.world) as dataset:
        features = scoring_features(dataset, scorer, scored_world.as_of)
    local = scorer.score(features).frame

    spark = spark_session()
    columns = list(scorer.artifact.features)
    table = spark.createDataFrame(
        features[["account_id", *columns]].astype({c: "float64" for c in columns if c != "segment"})
    )
    udf = mlflow.pyfunc.spark_udf(
        spark,
        f"models:/{scorer.model_name}/{scorer.model_version}",
        result_type="churn_probability double, health long, band string",
        env_manager="local",
    )
    scored = table.select("account_id", udf(F.struct(*columns)).alias("score"))
    scored = scored.select("account_id", "score.*").toPandas()
    scored = scored.set_index("account_id").loc[local["account_id"]]
    assert len(scored) == len(local) > 100
    np.testing.assert_allclose(
        scored["churn_probability"].to_numpy(), local["churn_probability"].to_numpy(), rtol=1e-9
    )
    assert scored["health"].tolist() == local["health"].tolist()
    assert scored["band"].tolist() == local["band"].tolist()
