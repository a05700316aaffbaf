"""Serving: batch scoring with explanations (``serving.scoring``), the score history
(``serving.history``), scorecard pages (``serving.pages``) and the BentoML service."""
