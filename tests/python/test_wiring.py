"""The wheel's pytest plugin end to end: the `s3lambda_server` fixture, boto3 clients wiring a
bucket to a Lambda alias, a delivered and a denied event read back from their traces, the
metrics parsed by prometheus_client, a clean simulator for every test, and the context
manager."""

import json
import os
import sys

import pytest
from prometheus_client.parser import text_string_to_metric_families

import s3lambda
from s3lambda import S3LambdaServer, ThreadedS3Lambda

ARN = "arn:aws:lambda:us-east-1:000000000000:function:thumbnails"


def wire(server):
    """The tutorial's wiring: version 1 behind PROD, which S3 may invoke for `photos` only."""
    lam = server.client("lambda")
    lam.create_function(
        FunctionName="thumbnails",
        Runtime="provided.al2023",
        Role="arn:aws:iam::000000000000:role/lambda-role",
        Handler="s3-logger.handle",
        Code={"ZipFile": server.handler_zip("s3-logger")},
    )
    version = lam.publish_version(FunctionName="thumbnails")["Version"]
    lam.create_alias(FunctionName="thumbnails", Name="PROD", FunctionVersion=version)
    lam.add_permission(
        FunctionName="thumbnails",
        Qualifier="PROD",
        StatementId="s3",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
        SourceArn="arn:aws:s3:::photos",
        SourceAccount="000000000000",
    )
    s3 = server.client("s3")
    config = {
        "LambdaFunctionConfigurations": [
            {"Id": "to-prod", "LambdaFunctionArn": ARN + ":PROD", "Events": ["s3:ObjectCreated:*"]}
        ]
    }
    for bucket in ("photos", "elsewhere"):
        s3.create_bucket(Bucket=bucket)
    s3.put_bucket_notification_configuration(Bucket="photos", NotificationConfiguration=config)
    # The permission names `photos` only: S3 refuses this one unless validation is skipped,
    # and then the delivery is denied.
    s3.put_bucket_notification_configuration(
        Bucket="elsewhere", NotificationConfiguration=config, SkipDestinationValidation=True
    )
    return s3


def test_the_wheel_runs_its_own_binary():
    assert "S3LAMBDA_BIN" not in os.environ
    assert s3lambda.binary().startswith(sys.prefix), s3lambda.binary()


def test_a_put_is_delivered_to_the_alias_and_a_denial_says_why(s3lambda_server):
    s3 = wire(s3lambda_server)
    s3.put_object(Bucket="photos", Key="cat.jpg", Body=b"meow")
    s3.put_object(Bucket="elsewhere", Key="dog.jpg", Body=b"woof")
    assert s3lambda_server.wait_idle()

    [delivered] = s3lambda_server.traces(bucket="photos")
    assert delivered["outcome"] == "delivered", delivered
    delivery = delivered["deliveries"][0]
    assert delivery["functionArn"] == ARN + ":PROD"
    assert delivery["resolvedVersion"] == "1"
    assert "cat.jpg" in delivery["attempts"][0]["logTail"]

    [denied] = s3lambda_server.traces(bucket="elsewhere")
    assert denied["outcome"] == "denied", denied
    reason = denied["deliveries"][0]["policy"]["reason"]
    assert "arn:aws:s3:::elsewhere" in reason, reason
    assert s3lambda_server.trace(denied["id"])["id"] == denied["id"]


def test_metrics_parse_and_count_the_events(s3lambda_server):
    def counts():
        families = text_string_to_metric_families(s3lambda_server.metrics())
        return {
            (s.name, json.dumps(s.labels, sort_keys=True)): s.value
            for f in families
            for s in f.samples
        }

    before = counts()
    s3 = wire(s3lambda_server)
    for i in range(3):
        s3.put_object(Bucket="photos", Key=f"{i}.jpg", Body=b"x")
    assert s3lambda_server.wait_idle()
    after = counts()
    key = ("s3lambda_events_total", json.dumps({"outcome": "delivered"}))
    assert after[key] - before.get(key, 0) == 3
    latency = (
        "s3lambda_put_to_handler_end_seconds_count",
        json.dumps({"function": ARN + ":PROD"}),
    )
    assert after[latency] - before.get(latency, 0) == 3


def test_every_test_starts_from_a_clean_simulator(s3lambda_server):
    assert s3lambda_server.client("s3").list_buckets()["Buckets"] == []
    assert s3lambda_server.client("lambda").list_functions()["Functions"] == []
    assert s3lambda_server.traces() == []


def test_the_context_manager_starts_and_stops_a_server():
    assert ThreadedS3Lambda is S3LambdaServer
    with S3LambdaServer(region="eu-west-1") as server:
        assert server.port and server.endpoint == f"http://127.0.0.1:{server.port}"
        health = server.health()
        assert health["ready"] is True and health["region"] == "eu-west-1"
        server.client("s3").create_bucket(
            Bucket="in-ireland", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        process = server.process
    assert process.returncode == 0, "SIGTERM drains and exits 0"
    with pytest.raises(s3lambda.S3LambdaError):
        server.health()
