// Node's `xmlrpc` server on 127.0.0.1, any free port (printed on the first
// line), for our clients to call:
//   echo(x)        returns x as JavaScript read it
//   types(x...)    the JS types read (Date, Buffer, null, number, string,
//                  boolean), nested like the values
//   sample()       an object of every type, built explicitly in JS
//   fail(code,msg) a fault with that code and string
// It has no system.* methods.
'use strict'
const xmlrpc = require('xmlrpc')

function typeTree (v) {
  if (v === null) return 'null'
  if (v instanceof Date) return 'Date'
  if (Buffer.isBuffer(v)) return 'Buffer'
  if (Array.isArray(v)) return v.map(typeTree)
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeTree(x)]))
  return typeof v
}

const server = xmlrpc.createServer({ host: '127.0.0.1', port: 0 }, () => {
  console.log(server.httpServer.address().port)
})
server.on('echo', (err, params, callback) => callback(err, params[0]))
server.on('types', (err, params, callback) => callback(err, params.map(typeTree)))
server.on('sample', (err, params, callback) => callback(err, {
  int: -7,
  yes: true,
  no: false,
  double: -0.125,
  string: '<&> \u00e9\u{1f600}',
  date: new Date(Date.UTC(1998, 6, 17, 14, 8, 55)),
  bytes: Buffer.from([0, 1, 0xfe, 0xff]),
  nil: null,
  list: [1, 'x'],
  empty: {}
}))
server.on('fail', (err, params, callback) => callback(err || { faultCode: params[0], faultString: params[1] }))
