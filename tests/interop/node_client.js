// Node's `xmlrpc` package (npm) against our server: every type JavaScript
// can send, echoed back with the same JS type and value; i8 results, faults,
// system.multicall and introspection. Usage: node node_client.js URL.
// Prints "ok" last; exits 1 at the first mismatch.
'use strict'
const assert = require('assert')
const xmlrpc = require('xmlrpc')

const client = xmlrpc.createClient(new URL(process.argv[2]).href)
const call = (method, params) => new Promise((resolve, reject) =>
  client.methodCall(method, params, (err, value) => err ? reject(err) : resolve(value)))

// What JavaScript reads is what it sent: the same type (Date, Buffer, null,
// number, string, boolean, array, object) and value, all the way down.
function same (want, got, path) {
  if (want instanceof Date) {
    assert.ok(got instanceof Date, `${path}: not a Date: ${got}`)
    assert.strictEqual(got.getTime(), want.getTime(), path)
  } else if (Buffer.isBuffer(want)) {
    assert.ok(Buffer.isBuffer(got), `${path}: not a Buffer: ${got}`)
    assert.ok(want.equals(got), `${path}: bytes differ`)
  } else if (Array.isArray(want)) {
    assert.ok(Array.isArray(got) && got.length === want.length, `${path}: ${JSON.stringify(got)}`)
    want.forEach((w, i) => same(w, got[i], `${path}[${i}]`))
  } else if (want !== null && typeof want === 'object') {
    assert.deepStrictEqual(Object.keys(got).sort(), Object.keys(want).sort(), path)
    for (const k of Object.keys(want)) same(want[k], got[k], `${path}.${k}`)
  } else {
    assert.strictEqual(typeof got, typeof want, `${path}: ${typeof got} vs ${typeof want}`)
    assert.strictEqual(got, want, path)
  }
}

async function main () {
  const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i))
  const values = [
    0, 2147483647, -2147483648, true, false, -1.5, 1e-7, 123456789.125, 1.5e-300, 5e-324, // (a whole number is written <int>)
    '', 'plain', "<tag> & ]]> 'q' \"dq\" \u00e9\u4e2d\u{1f600}\ttab\nline", '  keep  spaces  ',
    null, new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), Buffer.alloc(0), bytes,
    [], [1, 'two', null, 2.5, [true]], {},
    { a: { b: [1, 2.5] }, c: 'd', n: null, t: new Date(Date.UTC(1998, 6, 17, 14, 8, 55)) }
  ]
  for (const [i, v] of values.entries()) same(v, await call('echo', [v]), `echo #${i}`)
  same(values, await call('echo', [values]), 'echo all')

  const big = 'a<&\u00e9\u4e2d\n'.repeat(25000)
  same(big, await call('echo', [big]), 'echo big')

  same(3628800, await call('factorial', [10]), 'factorial(10)')
  // The package reads <i8> as a decimal string (a JS number would round).
  same('2432902008176640000', await call('factorial', [20]), 'factorial(20) (an i8)')
  await assert.rejects(call('factorial', [-1]), (e) => e.faultCode === -32602 && typeof e.faultString === 'string')
  await assert.rejects(call('suite.fault', [42, 'custom <msg>']), (e) => e.faultCode === 42 && e.faultString === 'custom <msg>')

  const res = await call('system.multicall', [[
    { methodName: 'echo', params: ['one'] },
    { methodName: 'no.such', params: [] },
    { methodName: 'factorial', params: [5] }
  ]])
  assert.strictEqual(res.length, 3)
  same(['one'], res[0], 'multicall[0]')
  assert.strictEqual(res[1].faultCode, -32601, 'multicall[1]')
  same([120], res[2], 'multicall[2]')

  const names = await call('system.listMethods', [])
  assert.ok(names.includes('echo') && names.includes('system.multicall'), names)
  same(6, await call('validator1.easyStructTest', [{ moe: 1, larry: 2, curly: 3 }]), 'easyStructTest')
  console.log('ok')
}

main().catch((e) => { console.error(e); process.exit(1) })
