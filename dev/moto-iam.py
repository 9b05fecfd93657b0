"""moto_server enforcing IAM, as strict as moto can be made about the project's own policies.

Usage: INITIAL_NO_AUTH_ACTION_COUNT=N python3 dev/moto-iam.py PORT

The first N requests go through unchecked (the tests use them to create an admin user); every later request must
carry a known access key and is evaluated against that user's IAM policies. Changes to moto 5.2.1, all in this
process only:

1. No SigV4 signature comparison. moto computes the canonical URI of `GET /bucket/?uploads&prefix=...`
   (ListMultipartUploads as the .NET SDK sends it) differently from the SDK and real S3, so that call would fail with
   SignatureDoesNotMatch. Unknown access keys are still refused (InvalidAccessKeyId); a wrong secret is not noticed.
2. EC2 requests that name one instance (`InstanceId.1`, e.g. TerminateInstances; `InstanceId`, ModifyInstanceAttribute;
   `ResourceId.1` = `i-...`, CreateTags) are authorised against that
   instance's ARN, `arn:aws:ec2:REGION:ACCOUNT:instance/ID`, instead of moto's `*` (which a policy naming instance
   ARNs never matches, so such a policy would deny even the allowed), with the condition key `aws:ARN` set to that
   ARN. A request naming several instances stays `*`: the instance policy then denies it, as AWS does when one of
   them is not allowed. moto evaluates only `StringEquals` conditions (any other operator is ignored, i.e. passes),
   only on keys the request supplies (a missing key passes too), and does not expand policy variables such as
   `${ec2:SourceInstanceARN}`: the caller fills that variable in the policy with the ARN of the instance the
   credentials stand for (what AWS would resolve it to for that instance's role).
3. RunInstances is authorised as on AWS against each resource it makes or uses (instance, image, volume, network
   interface, subnet, security group, key pair), the instance with the condition keys `ec2:InstanceType` and
   `ec2:MetadataHttpTokens`; the tags it asks for need `ec2:CreateTags` with `ec2:CreateAction` = `RunInstances`; with
   an instance profile it also needs `iam:PassRole` on the profile's role, with the condition key
   `iam:PassedToService` = `ec2.amazonaws.com` (moto itself checks only the action called, against `*`).
4. SSM requests that name one parameter (`Name`: GetParameter, PutParameter, DeleteParameter, ...) are authorised
   against that parameter's ARN, `arn:aws:ssm:REGION:ACCOUNT:parameter/NAME` (the name's leading `/` dropped, as AWS
   writes it), instead of moto's `*`; any other SSM request (GetParameters with a list, DescribeParameters) stays `*`,
   which a policy naming parameter ARNs never matches. moto's SSM never calls KMS, so `kms:Decrypt` (and its
   `kms:ViaService` condition) is not evaluated here: a SecureString reads back with the SSM permission alone.
5. S3 ListBucket (ListObjects, ListObjectsV2) is authorised with the condition key `s3:prefix` set to the request's prefix
   (empty when it names none), and `StringLike` conditions are evaluated (`*` and `?`), so a role allowed to list one prefix
   cannot list the bucket, as on AWS. A key no request supplies still passes (see 2).
6. EC2 capacity, which moto never runs out of, has one stand-in: a subnet tagged
   `encoder-test:refuse:TYPE` = `CODE` (e.g. `InsufficientInstanceCapacity`, `Unsupported`, `VcpuLimitExceeded`)
   makes RunInstances of TYPE into that subnet fail with that EC2 error code, after IAM allowed it (as on AWS), and
   start nothing. moto answers it with HTTP 400 (AWS answers InsufficientInstanceCapacity with a 500, which the SDK
   retries a few times first).
"""

import fnmatch
import json
import sys
from urllib.parse import parse_qs, urlparse

from moto.ec2.responses import EC2Response
from moto.iam import access_control
from moto.iam.access_control import IAMPolicy, IAMRequest, PermissionResult, S3IAMRequest
from moto.iam import policy_conditions
from moto.iam.exceptions import NotFoundException
from moto.ssm.responses import SimpleSystemManagerResponse

access_control.IAMRequestBase.check_signature = lambda self: None


def _instance_resource(self):
    ids = [
        values[0]
        for key, values in self.querystring.items()
        if key.startswith("InstanceId.")
        or key == "InstanceId"
        or (key.startswith("ResourceId.") and values[0].startswith("i-"))
    ]
    if len(ids) != 1:
        return "*"
    return f"arn:aws:ec2:{self.region}:{self.current_account}:instance/{ids[0]}"


EC2Response._determine_resource = _instance_resource


def _parameter_resource(self):
    try:
        name = json.loads(self.body or "{}").get("Name")
    except (ValueError, AttributeError):
        name = None
    if not isinstance(name, str) or not name:
        return "*"
    return f"arn:aws:ssm:{self.region}:{self.current_account}:parameter/{name.lstrip('/')}"


SimpleSystemManagerResponse._determine_resource = _parameter_resource

_check_action_permitted = IAMRequest.check_action_permitted


def _require(self, action, resource, context):
    permitted = False
    for policy in self._access_key.collect_policies():
        result = IAMPolicy(policy).is_action_permitted(action, resource, None, context)
        if result == PermissionResult.DENIED:
            self._raise_access_denied()
        permitted = permitted or result == PermissionResult.PERMITTED
    if not permitted:
        self._raise_access_denied()


def _roles_passed(self):
    """The roles of the instance profile a RunInstances names (moto itself never asks for iam:PassRole)."""
    name = self._data.get("IamInstanceProfile.Name")
    arn = self._data.get("IamInstanceProfile.Arn")
    try:
        if name:
            return self.backend.get_instance_profile(name[0]).roles
        if arn:
            return self.backend.get_instance_profile_by_arn(arn[0]).roles
    except NotFoundException:
        pass
    return []


def _first(self, key):
    values = self._data.get(key)
    return values[0] if values else None


def _check_run_instances(self):
    """RunInstances authorised as AWS does: each resource it makes or uses, with that resource's condition keys
    (ec2:InstanceType and ec2:MetadataHttpTokens on the instance); the tags it asks for need ec2:CreateTags with
    ec2:CreateAction = RunInstances. Only StringEquals is evaluated (see 2.), so the aws:RequestTag/aws:TagKeys
    conditions (StringLike, ForAllValues) pass here."""
    region, account = self._region, self.account_id
    instance_keys = {
        "ec2:InstanceType": _first(self, "InstanceType") or "m1.small",
        "ec2:MetadataHttpTokens": _first(self, "MetadataOptions.HttpTokens") or "optional",
    }
    resources = [
        (f"arn:aws:ec2:{region}:{account}:instance/*", instance_keys),
        (f"arn:aws:ec2:{region}::image/{_first(self, 'ImageId')}", {}),
        (f"arn:aws:ec2:{region}:{account}:volume/*", {}),
        (f"arn:aws:ec2:{region}:{account}:network-interface/*", {}),
        (f"arn:aws:ec2:{region}:{account}:subnet/*", {}),
        (f"arn:aws:ec2:{region}:{account}:security-group/*", {}),
    ]
    if _first(self, "KeyName"):
        resources.append((f"arn:aws:ec2:{region}:{account}:key-pair/{_first(self, 'KeyName')}", {}))
    for arn, context in resources:
        _require(self, "ec2:RunInstances", arn, context)
    tagged = {values[0] for key, values in self._data.items() if key.startswith("TagSpecification.") and key.endswith(".ResourceType")}
    for resource_type in sorted(tagged):
        _require(self, "ec2:CreateTags", f"arn:aws:ec2:{region}:{account}:{resource_type}/*", {"ec2:CreateAction": "RunInstances"})


def _string_like(expected, actual):
    patterns = [expected] if isinstance(expected, str) else expected
    return any(fnmatch.fnmatchcase(actual, p.replace("[", "[[]")) for p in patterns)


policy_conditions.CONDITION_OPERATIONS["StringLike"] = _string_like


_check_s3_action_permitted = S3IAMRequest.check_action_permitted


def _check_s3_with_condition_keys(self, resource):
    if self._action != "s3:ListBucket":
        _check_s3_action_permitted(self, resource)
        return
    prefix = parse_qs(urlparse(self._path).query).get("prefix", [""])[0]
    _require(self, self._action, resource, {"s3:prefix": prefix})


S3IAMRequest.check_action_permitted = _check_s3_with_condition_keys


def _check_with_condition_keys(self, resource):
    if self._service != "ec2":
        _check_action_permitted(self, resource)
        return
    if self._action == "ec2:RunInstances":
        _check_run_instances(self)
    elif resource == "*":
        _check_action_permitted(self, resource)
    else:
        context = {"aws:ARN": resource}
        if self._action == "ec2:CreateTags":
            # Outside a RunInstances AWS has no ec2:CreateAction, so a StringEquals on it fails; moto would let a
            # missing key pass, an empty one it compares.
            context["ec2:CreateAction"] = ""
        _require(self, self._action, resource, context)
    if self._action == "ec2:RunInstances":
        for role in _roles_passed(self):
            _require(self, "iam:PassRole", role.arn, {"iam:PassedToService": "ec2.amazonaws.com"})


IAMRequest.check_action_permitted = _check_with_condition_keys

REFUSE_TAG = "encoder-test:refuse:"
_run_instances = EC2Response.run_instances


def _run_instances_unless_refused(self):
    """The capacity stand-in (5.): the subnet's tag names the error code RunInstances answers for the type."""
    from moto.ec2.exceptions import EC2ClientError

    subnet_id = self._get_param("SubnetId")
    instance_type = self._get_param("InstanceType", "m1.small")
    if subnet_id:
        tags = self.ec2_backend.describe_tags(filters={"resource-id": [subnet_id]})
        for tag in tags:
            if tag["key"] == REFUSE_TAG + instance_type:
                raise EC2ClientError(tag["value"], f"stand-in: no {instance_type} in {subnet_id} ({tag['value']})")
    return _run_instances(self)


EC2Response.run_instances = _run_instances_unless_refused

if __name__ == "__main__":
    from moto.server import main

    main(["-H", "127.0.0.1", "-p", sys.argv[1]])
