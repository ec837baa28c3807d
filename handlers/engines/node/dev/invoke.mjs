// Dev driver: one invocation of the transpiled engine in Node.js (not the host; no CI).
//   TASK_ROOT=dir _HANDLER=file.fn node invoke.mjs <transpiled dir> [event json]
const [dir, event = '{}'] = process.argv.slice(2);
const engine = await import(`${dir}/nodejs.js`);
const now = Date.now();
const ctx = {
  requestId: 'c0ffee00-0000-4000-8000-000000000001',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:dev',
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'dev',
  functionVersion: '$LATEST',
  memoryLimitMb: 128,
  deadlineMs: BigInt(now + 3000),
  logGroupName: '/aws/lambda/dev',
  logStreamName: '2026/01/01/[$LATEST]0123456789abcdef',
};
try {
  const out = await engine.handle(event, ctx);
  console.log(`RESULT ok ${out}`);
} catch (e) {
  console.log(`RESULT err ${JSON.stringify(e.payload ?? String(e))}`);
}
