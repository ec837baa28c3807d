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
