-- wrk script: every request is the XML-RPC call factorial(12), as
-- bench/ceiling.sh sends it to the ceiling and to each of our servers.
wrk.method = "POST"
wrk.path = "/RPC2"
wrk.headers["Content-Type"] = "text/xml"
wrk.body = '<?xml version="1.0"?><methodCall><methodName>factorial</methodName>'
  .. '<params><param><value><int>12</int></value></param></params></methodCall>'
