"""The SAM template in infra/: it expands, lints clean, and holds the security and sizing decisions.

Offline: SAM is expanded with aws-sam-translator (a stub stands in for the managed-policy lookup)
and the result is linted with cfn-lint's Python API.
"""
from __future__ import annotations

import ast
import copy
import json
import re
from pathlib import Path
from typing import Any, Iterator

import pytest
from cfnlint.api import ManualArgs, lint
from cfnlint.decode.cfn_yaml import loads
from samtranslator.translator.transform import transform

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = REPO / "infra" / "template.yaml"
SKILL_ID = "amzn1.ask.skill.0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"


class _NoAwsPolicyLoader:
    """Stands in for samtranslator's ManagedPolicyLoader, which would call IAM."""

    def load(self) -> dict[str, str]:
        return {}


def _load_template() -> dict[str, Any]:
    # cfn-lint's loader understands !Ref/!GetAtt/!Sub; the JSON round trip drops its node classes.
    return json.loads(json.dumps(loads(TEMPLATE.read_text(encoding="utf-8"))))


def _expand(template: dict[str, Any]) -> dict[str, Any]:
    fragment = copy.deepcopy(template)
    # The translator wants what `sam package` leaves behind: code already uploaded to S3.
    for resource in fragment["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = "s3://safe-harbor-artifacts/skill.zip"
    return transform(fragment, {"SkillId": SKILL_ID}, _NoAwsPolicyLoader())


def _lint(template: dict[str, Any]) -> list:
    return lint(json.dumps(template), config=ManualArgs(regions=["us-east-1"]))


@pytest.fixture(scope="module")
def sam() -> dict[str, Any]:
    return _load_template()


@pytest.fixture(scope="module")
def cfn(sam: dict[str, Any]) -> Iterator[dict[str, Any]]:
    with pytest.MonkeyPatch.context() as mp:
        # The translator asks boto3 for a region to build ARNs; give it one, and no credentials.
        mp.setenv("AWS_DEFAULT_REGION", "us-east-1")
        mp.delenv("AWS_PROFILE", raising=False)
        yield _expand(sam)


def _of_type(template: dict[str, Any], type_: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == type_}


def _one(template: dict[str, Any], type_: str) -> tuple[str, dict[str, Any]]:
    found = _of_type(template, type_)
    assert len(found) == 1, f"expected one {type_}, found {sorted(found)}"
    return next(iter(found.items()))


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _walk_strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _walk_strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk_strings(value)


# --- expansion and lint -------------------------------------------------------------------------


def test_expands_and_lints_without_errors(cfn: dict[str, Any]) -> None:
    matches = _lint(cfn)
    errors = [m for m in matches if m.rule.id.startswith("E")]
    listing = "\n".join(f"{m.rule.id} {m.message} @ {'/'.join(map(str, m.path))}" for m in matches)
    assert not errors, f"cfn-lint errors:\n{listing}"


def test_raw_template_lints_without_errors() -> None:
    # What `cfn-lint infra/template.yaml` checks: this cfn-lint validates SAM against SAM schemas.
    matches = lint(TEMPLATE.read_text(encoding="utf-8"), config=ManualArgs(regions=["us-east-1"]))
    errors = [f"{m.rule.id} {m.message}" for m in matches if m.rule.id.startswith("E")]
    assert not errors, errors


def test_lint_harness_catches_a_broken_template(cfn: dict[str, Any]) -> None:
    # Guards against a lint call that silently checks nothing.
    broken = copy.deepcopy(cfn)
    _, function = _one(broken, "AWS::Lambda::Function")
    function["Properties"]["Runtime"] = "python2.9"
    function["Properties"]["Timeout"] = 90000
    assert any(m.rule.id.startswith("E") for m in _lint(broken))


def test_no_sam_generated_role_or_extra_resources(cfn: dict[str, Any]) -> None:
    assert sorted(r["Type"] for r in cfn["Resources"].values()) == sorted(
        [
            "AWS::CloudFront::Distribution",
            "AWS::CloudFront::OriginAccessControl",
            "AWS::DynamoDB::Table",
            "AWS::IAM::Role",
            "AWS::Lambda::Function",
            "AWS::Lambda::Permission",
            "AWS::Logs::LogGroup",
            "AWS::S3::Bucket",
            "AWS::S3::BucketPolicy",
        ]
    )


# --- function -----------------------------------------------------------------------------------


def test_function_runtime_size_and_timeout(cfn: dict[str, Any]) -> None:
    _, function = _one(cfn, "AWS::Lambda::Function")
    props = function["Properties"]
    assert props["Runtime"] == "python3.12"
    assert props["Architectures"] == ["arm64"]
    assert props["MemorySize"] == 512
    # Alexa gives up at about 8 s; the function must end first.
    assert props["Timeout"] == 7
    assert props["Handler"] == "skill.alexa.lambda_function.handler"
    role_name, _ = _one(cfn, "AWS::IAM::Role")
    assert props["Role"] == {"Fn::GetAtt": [role_name, "Arn"]}


def test_alexa_trigger_is_limited_to_the_skill(sam: dict[str, Any], cfn: dict[str, Any]) -> None:
    _, function = _one(sam, "AWS::Serverless::Function")
    events = function["Properties"]["Events"]
    alexa = [e for e in events.values() if e["Type"] == "AlexaSkill"]
    assert alexa == [{"Type": "AlexaSkill", "Properties": {"SkillId": {"Ref": "SkillId"}}}]

    function_name, _ = _one(cfn, "AWS::Lambda::Function")
    _, permission = _one(cfn, "AWS::Lambda::Permission")
    assert permission["Properties"] == {
        "Action": "lambda:InvokeFunction",
        "FunctionName": {"Ref": function_name},
        "Principal": "alexa-appkit.amazon.com",
        "EventSourceToken": {"Ref": "SkillId"},
    }


def test_environment_wires_store_secret_and_audio(cfn: dict[str, Any]) -> None:
    _, function = _one(cfn, "AWS::Lambda::Function")
    env = function["Properties"]["Environment"]["Variables"]
    table_name, _ = _one(cfn, "AWS::DynamoDB::Table")
    dist_name, _ = _one(cfn, "AWS::CloudFront::Distribution")
    assert env == {
        "SKILL_STORE": {"Fn::Sub": f"dynamodb://${{{table_name}}}"},
        "SKILL_ID": {"Ref": "SkillId"},
        "SKILL_HASH_SECRET_PARAMETER": {"Ref": "HashSecretParameterName"},
        "SKILL_AUDIO_BASE_URL": {"Fn::Sub": f"https://${{{dist_name}.DomainName}}/audio"},
        "SKILL_LOG_LEVEL": {"Ref": "LogLevel"},
        "SKILL_RECORD_DAYS": {"Ref": "RecordDays"},
        # A client's own version: only when its parameters are set (AWS::NoValue drops the variable).
        "SKILL_CLIENT_VERSION": {"Fn::If": ["HasClientVersion", {"Fn::Sub": "/var/task/${ClientVersionFile}"},
                                            {"Ref": "AWS::NoValue"}]},
        "SKILL_CLIENT_ACCOUNT": {"Fn::If": ["HasClientVersion", {"Ref": "ClientAccount"}, {"Ref": "AWS::NoValue"}]},
    }
    assert cfn["Parameters"]["RecordDays"]["Default"] == 90


def _evaluate(node: Any, params: dict[str, str]) -> Any:
    """A rule or condition's value for ``params``: the few intrinsic functions the template's use."""
    if not isinstance(node, dict):
        return node
    (name, args), = node.items()
    if name == "Ref":
        return params[args]
    values = [_evaluate(a, params) for a in args]
    return {"Fn::Equals": lambda: values[0] == values[1], "Fn::Not": lambda: not values[0],
            "Fn::And": lambda: all(values), "Fn::Or": lambda: any(values)}[name]()


ACCOUNT_KEY = "ab" * 32


@pytest.mark.parametrize("version, account, deploys, passed", [
    ("", "", True, False),
    ("clients/client-version.toml", ACCOUNT_KEY, True, True),
    ("clients/client-version.toml", "", False, None),
    ("", ACCOUNT_KEY, False, None),
])
def test_client_version_parameters_go_together(cfn: dict[str, Any], version: str, account: str,
                                               deploys: bool, passed: bool | None) -> None:
    params = {"ClientVersionFile": version, "ClientAccount": account}
    for name, value in params.items():
        assert re.fullmatch(cfn["Parameters"][name]["AllowedPattern"], value), (name, value)
        assert cfn["Parameters"][name]["Default"] == ""
    (assertion,) = cfn["Rules"]["ClientVersionTogether"]["Assertions"]
    assert _evaluate(assertion["Assert"], params) is deploys
    if deploys:
        assert _evaluate(cfn["Conditions"]["HasClientVersion"], params) is passed


def test_client_version_parameters_refuse_paths_outside_the_package_and_raw_ids(sam: dict[str, Any]) -> None:
    path = re.compile(sam["Parameters"]["ClientVersionFile"]["AllowedPattern"])
    for good in ("client-version.toml", "clients/a_b/client-version.toml"):
        assert path.fullmatch(good), good
    for bad in ("/etc/client-version.toml", "../client-version.toml", "clients/../x.toml", "clients/version.txt",
                "a b.toml"):
        assert not path.fullmatch(bad), bad
    account = re.compile(sam["Parameters"]["ClientAccount"]["AllowedPattern"])
    for bad in ("amzn1.ask.account.AEXAMPLE", ACCOUNT_KEY.upper(), ACCOUNT_KEY[:-1], ACCOUNT_KEY + "0"):
        assert not account.fullmatch(bad), bad


def test_log_group_is_the_functions_and_short_lived(cfn: dict[str, Any]) -> None:
    log_name, log_group = _one(cfn, "AWS::Logs::LogGroup")
    _, function = _one(cfn, "AWS::Lambda::Function")
    function_sub = function["Properties"]["FunctionName"]["Fn::Sub"]
    assert log_group["Properties"]["LogGroupName"] == {"Fn::Sub": f"/aws/lambda/{function_sub}"}
    # Referencing it orders creation: the group (with retention) exists before the first log line.
    assert function["Properties"]["LoggingConfig"] == {"LogGroup": {"Ref": log_name}}
    assert log_group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    retention = cfn["Parameters"]["LogRetentionDays"]
    assert retention["AllowedValues"] and max(retention["AllowedValues"]) <= 30
    assert retention["Default"] == 14


# --- table --------------------------------------------------------------------------------------


def test_table_billing_key_ttl_encryption_and_recovery(cfn: dict[str, Any]) -> None:
    _, table = _one(cfn, "AWS::DynamoDB::Table")
    props = table["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert props["AttributeDefinitions"] == [{"AttributeName": "pk", "AttributeType": "S"}]
    assert props["TimeToLiveSpecification"] == {"AttributeName": "ttl", "Enabled": True}
    assert props["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS"}
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"


# --- IAM ----------------------------------------------------------------------------------------


def _policy_statements(template: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, role in _of_type(template, "AWS::IAM::Role").items():
        for policy in role["Properties"].get("Policies", []):
            for statement in _as_list(policy["PolicyDocument"]["Statement"]):
                yield name, statement
    for name, policy in _of_type(template, "AWS::IAM::Policy").items():
        for statement in _as_list(policy["Properties"]["PolicyDocument"]["Statement"]):
            yield name, statement


def test_no_iam_statement_on_every_resource(cfn: dict[str, Any]) -> None:
    statements = list(_policy_statements(cfn))
    assert statements
    for name, statement in statements:
        resources = _as_list(statement.get("Resource"))
        assert "*" not in resources, f"{name}: {statement}"
        assert "NotResource" not in statement and "NotAction" not in statement
        for action in _as_list(statement["Action"]):
            assert "*" not in action, f"{name}: wildcard action {action}"


def test_role_grants_exactly_table_parameter_key_and_logs(cfn: dict[str, Any]) -> None:
    role_name, role = _one(cfn, "AWS::IAM::Role")
    table_name, _ = _one(cfn, "AWS::DynamoDB::Table")
    log_name, _ = _one(cfn, "AWS::Logs::LogGroup")
    # A managed policy (e.g. AWSLambdaBasicExecutionRole) would bring Resource "*" back.
    assert not role["Properties"].get("ManagedPolicyArns")
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"] == [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ]
    parameter_arn = {
        "Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${HashSecretParameterName}"
    }
    grants = {}
    for _, statement in _policy_statements(cfn):
        assert statement["Effect"] == "Allow"
        for action in _as_list(statement["Action"]):
            assert action not in grants, f"{action} granted twice"
            grants[action] = statement

    assert set(grants) == {
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "ssm:GetParameter",
        "kms:Decrypt",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    }
    for action in ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"):
        assert grants[action]["Resource"] == {"Fn::GetAtt": [table_name, "Arn"]}
    assert grants["ssm:GetParameter"]["Resource"] == parameter_arn
    for action in ("logs:CreateLogStream", "logs:PutLogEvents"):
        assert grants[action]["Resource"] == {"Fn::GetAtt": [log_name, "Arn"]}

    decrypt = grants["kms:Decrypt"]
    assert decrypt["Resource"] == {
        "Fn::Sub": "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/*"
    }
    conditions = decrypt["Condition"]["StringEquals"]
    assert conditions["kms:ViaService"] == {"Fn::Sub": "ssm.${AWS::Region}.amazonaws.com"}
    assert conditions["kms:EncryptionContext:PARAMETER_ARN"] == parameter_arn


def test_parameter_names_keep_the_ssm_arn_exact(sam: dict[str, Any]) -> None:
    param = sam["Parameters"]["HashSecretParameterName"]
    assert param["Default"] == "/safe-harbor/hash-secret"
    pattern = re.compile(param["AllowedPattern"])
    assert pattern.fullmatch(param["Default"])
    # Without a leading slash, "parameter${Name}" would not be the parameter's ARN.
    for bad in ("safe-harbor/hash-secret", "/safe-harbor/*", "/", "/a//b"):
        assert not pattern.fullmatch(bad), bad


def test_skill_id_parameter_pattern(sam: dict[str, Any]) -> None:
    param = sam["Parameters"]["SkillId"]
    assert "Default" not in param
    pattern = re.compile(param["AllowedPattern"])
    assert pattern.fullmatch(SKILL_ID)
    for bad in ("", "amzn1.ask.skill.", "amzn1.echo-sdk-ams.app.x", "amzn1.ask.skill.x;y"):
        assert not pattern.fullmatch(bad), bad


def test_no_secret_in_template(sam: dict[str, Any], cfn: dict[str, Any]) -> None:
    _, function = _one(cfn, "AWS::Lambda::Function")
    assert "SKILL_HASH_SECRET" not in function["Properties"]["Environment"]["Variables"]
    for name, param in sam["Parameters"].items():
        default = str(param.get("Default", ""))
        if re.search(r"secret|password|token|key", name, re.I):
            # Only the parameter's *name* may have a default, never a key.
            assert default == "" or default.startswith("/"), f"{name} has a default {default!r}"
    secretish = re.compile(r"^(?:[0-9a-fA-F]{32,}|[A-Za-z0-9+/_-]{40,}={0,2})$")
    leaked = [s for s in _walk_strings(sam) if secretish.match(s)]
    assert not leaked, leaked


# --- audio bucket and CDN -----------------------------------------------------------------------


def test_audio_bucket_is_private_and_encrypted(cfn: dict[str, Any]) -> None:
    _, bucket = _one(cfn, "AWS::S3::Bucket")
    props = bucket["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    rules = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rules and rules[0]["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in {"AES256", "aws:kms"}
    assert props["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert "AccessControl" not in props and "WebsiteConfiguration" not in props


def test_bucket_policy_admits_only_the_distribution_over_tls(cfn: dict[str, Any]) -> None:
    bucket_name, _ = _one(cfn, "AWS::S3::Bucket")
    dist_name, _ = _one(cfn, "AWS::CloudFront::Distribution")
    _, policy = _one(cfn, "AWS::S3::BucketPolicy")
    assert policy["Properties"]["Bucket"] == {"Ref": bucket_name}
    statements = _as_list(policy["Properties"]["PolicyDocument"]["Statement"])

    allows = [s for s in statements if s["Effect"] == "Allow"]
    assert len(allows) == 1
    allow = allows[0]
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject"
    source = allow["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
    assert source.endswith(f":distribution/${{{dist_name}}}")

    denies = [s for s in statements if s["Effect"] == "Deny"]
    assert len(denies) == 1
    deny = denies[0]
    assert deny["Principal"] == "*" and deny["Action"] == "s3:*"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": False}}
    assert {"Fn::GetAtt": [bucket_name, "Arn"]} in deny["Resource"]
    assert {"Fn::Sub": f"${{{bucket_name}.Arn}}/*"} in deny["Resource"]


def test_distribution_serves_https_with_oac_and_default_certificate(cfn: dict[str, Any]) -> None:
    bucket_name, _ = _one(cfn, "AWS::S3::Bucket")
    oac_name, oac = _one(cfn, "AWS::CloudFront::OriginAccessControl")
    _, dist = _one(cfn, "AWS::CloudFront::Distribution")
    config = dist["Properties"]["DistributionConfig"]
    assert config["Enabled"] is True
    (origin,) = config["Origins"]
    assert origin["DomainName"] == {"Fn::GetAtt": [bucket_name, "RegionalDomainName"]}
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": [oac_name, "Id"]}
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    oac_config = oac["Properties"]["OriginAccessControlConfig"]
    assert oac_config["OriginAccessControlOriginType"] == "s3"
    assert oac_config["SigningBehavior"] == "always"

    behaviour = config["DefaultCacheBehavior"]
    assert behaviour["TargetOriginId"] == origin["Id"]
    assert behaviour["ViewerProtocolPolicy"] in {"https-only", "redirect-to-https"}
    assert behaviour["CachePolicyId"] == CACHING_OPTIMIZED
    assert set(behaviour["AllowedMethods"]) == {"GET", "HEAD"}
    # Alexa only plays audio behind a publicly trusted certificate: *.cloudfront.net's is.
    assert config["ViewerCertificate"] == {"CloudFrontDefaultCertificate": True}
    assert not any(b.get("ViewerProtocolPolicy") == "allow-all" for b in config.get("CacheBehaviors", []))


# --- outputs and build --------------------------------------------------------------------------


def test_outputs(cfn: dict[str, Any]) -> None:
    function_name, _ = _one(cfn, "AWS::Lambda::Function")
    table_name, _ = _one(cfn, "AWS::DynamoDB::Table")
    bucket_name, _ = _one(cfn, "AWS::S3::Bucket")
    _, function = _one(cfn, "AWS::Lambda::Function")
    outputs = {name: o["Value"] for name, o in cfn["Outputs"].items()}
    assert outputs == {
        "FunctionArn": {"Fn::GetAtt": [function_name, "Arn"]},
        "TableName": {"Ref": table_name},
        "AudioBucketName": {"Ref": bucket_name},
        "AudioBaseUrl": function["Properties"]["Environment"]["Variables"]["SKILL_AUDIO_BASE_URL"],
    }


def test_code_uri_is_a_buildable_package(sam: dict[str, Any]) -> None:
    _, function = _one(sam, "AWS::Serverless::Function")
    code_dir = (TEMPLATE.parent / function["Properties"]["CodeUri"]).resolve()
    assert code_dir == REPO
    # `sam build` installs the function's dependencies from requirements.txt in CodeUri.
    assert (code_dir / "requirements.txt").is_file(), "sam build needs requirements.txt at the repo root"
    module, _, attr = function["Properties"]["Handler"].rpartition(".")
    source = code_dir / (module.replace(".", "/") + ".py")
    assert source.is_file(), f"handler module {source} is missing"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    defined = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    defined |= {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
    assert attr in defined, f"{source} defines no {attr}"
