#!/usr/bin/env bash
# The AWS Lambda versions/aliases/permissions tutorial with the AWS CLI, unchanged but for
# --endpoint-url. Usage: tutorial.sh ENDPOINT HELLOWORLD_WASM
# Exits non-zero, saying which step differed, when anything does.
set -euo pipefail
endpoint=$1
wasm=$2

export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_PAGER=""
aws() { command aws --endpoint-url "$endpoint" "$@"; }
expect() { # expect GOT WANT WHAT
  if [ "$1" != "$2" ]; then echo "FAIL: $3: got '$1', want '$2'" >&2; exit 1; fi
  echo "ok: $3"
}
binary_format=()
if command aws --version 2>&1 | grep -q '^aws-cli/2'; then
  binary_format=(--cli-binary-format raw-in-base64-out)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$wasm" "$work/helloworld.wasm"
(cd "$work" && zip -q helloworld.zip helloworld.wasm)

role=arn:aws:iam::000000000000:role/lambda_basic_execution
arn=arn:aws:lambda:us-east-1:000000000000:function:helloworld

got=$(aws lambda create-function --function-name helloworld --runtime provided.al2023 \
  --role "$role" --handler helloworld.handler --zip-file "fileb://$work/helloworld.zip" \
  --query '[FunctionArn,Version,Timeout,MemorySize]' --output text)
expect "$got" "$arn	\$LATEST	3	128" "create-function"

got=$(aws lambda create-alias --function-name helloworld --name DEV --function-version '$LATEST' --query AliasArn --output text)
expect "$got" "$arn:DEV" "create-alias DEV -> \$LATEST"

got=$(aws lambda publish-version --function-name helloworld --query Version --output text)
expect "$got" "1" "publish-version"

for alias in BETA PROD; do
  got=$(aws lambda create-alias --function-name helloworld --name $alias --function-version 1 --query FunctionVersion --output text)
  expect "$got" "1" "create-alias $alias -> 1"
done

echo 2 > "$work/VERSION"
(cd "$work" && zip -q helloworld.zip VERSION)
aws lambda update-function-code --function-name helloworld --zip-file "fileb://$work/helloworld.zip" >/dev/null
got=$(aws lambda publish-version --function-name helloworld --query Version --output text)
expect "$got" "2" "publish-version after new code"

got=$(aws lambda update-alias --function-name helloworld --name BETA --function-version 2 --query FunctionVersion --output text)
expect "$got" "2" "update-alias BETA -> 2"

got=$(aws lambda add-permission --function-name helloworld --qualifier PROD --statement-id 1 \
  --action lambda:InvokeFunction --principal s3.amazonaws.com \
  --source-arn arn:aws:s3:::examplebucket --source-account 000000000000 --output text)
case "$got" in
  *'"Resource":"'"$arn"':PROD"'*'"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::examplebucket"}'*) echo "ok: add-permission on PROD" ;;
  *) echo "FAIL: add-permission statement: $got" >&2; exit 1 ;;
esac

got=$(aws lambda get-policy --function-name helloworld --qualifier PROD --query Policy --output text)
case "$got" in
  *'"Principal":{"Service":"s3.amazonaws.com"}'*) echo "ok: get-policy PROD" ;;
  *) echo "FAIL: get-policy PROD: $got" >&2; exit 1 ;;
esac
if aws lambda get-policy --function-name helloworld --qualifier BETA >/dev/null 2>"$work/err"; then
  echo "FAIL: BETA must have no policy" >&2; exit 1
fi
grep -q ResourceNotFoundException "$work/err" && echo "ok: get-policy BETA is ResourceNotFoundException"

for pair in PROD:1 BETA:2 DEV:\$LATEST; do
  alias=${pair%%:*}; version=${pair#*:}
  got=$(aws lambda invoke --function-name helloworld --qualifier "$alias" "${binary_format[@]}" \
    --payload '{"key1":"value1","key2":"value2","key3":"value3"}' --log-type Tail \
    --query '[StatusCode,ExecutedVersion]' --output text "$work/out.json")
  expect "$got" "200	$version" "invoke $alias runs version $version"
done
expect "$(cat "$work/out.json")" '"value1"' "helloworld returns key1"

# The push model: a bucket whose notification targets the PROD alias, then an upload.
aws s3api create-bucket --bucket examplebucket >/dev/null
cat > "$work/notification.json" <<JSON
{"LambdaFunctionConfigurations":[{"Id":"to-prod","LambdaFunctionArn":"$arn:PROD","Events":["s3:ObjectCreated:*"]}]}
JSON
aws s3api put-bucket-notification-configuration --bucket examplebucket \
  --notification-configuration "file://$work/notification.json"
got=$(aws s3api get-bucket-notification-configuration --bucket examplebucket \
  --query 'LambdaFunctionConfigurations[0].LambdaFunctionArn' --output text)
expect "$got" "$arn:PROD" "put-bucket-notification-configuration with the PROD alias ARN"
echo '{"key1":"from s3"}' > "$work/HappyFace.jpg"
aws s3 cp "$work/HappyFace.jpg" s3://examplebucket/HappyFace.jpg >/dev/null

sim() { # sim METHOD PATH: the simulator's own API
  python3 - "$1" "$endpoint$2" <<'PY'
import sys, urllib.request
req = urllib.request.Request(sys.argv[2], method=sys.argv[1])
print(urllib.request.urlopen(req, timeout=60).read().decode())
PY
}
sim POST "/_s3lambda/wait?timeout_ms=30000" >/dev/null
got=$(sim GET "/_s3lambda/traces?bucket=examplebucket" | python3 -c '
import json, sys
t = json.load(sys.stdin)["traces"]
d = t[0]["deliveries"][0]
print(len(t), t[0]["outcome"], d["resolvedVersion"], d["policy"]["statement"])')
expect "$got" "1 delivered 1 1" "the upload reached version 1 through PROD, allowed by statement 1"
got=$(aws logs filter-log-events --log-group-name /aws/lambda/helloworld --filter-pattern '"Version: 1"' \
  --query 'length(events)' --output text)
if [ "${got:-0}" -ge 1 ]; then
  echo "ok: the invocation's log is in /aws/lambda/helloworld"
else
  echo "FAIL: no 'Version: 1' line in /aws/lambda/helloworld (got '$got')" >&2; exit 1
fi
