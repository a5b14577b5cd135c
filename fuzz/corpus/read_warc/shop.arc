filedesc://shop.arc 0.0.0.0 20240501120000 text/plain 70
1 0 Interdict
URL IP-address Archive-date Content-type Archive-length

http://shop.example/a 192.0.2.1 20240501120001 text/html 78
HTTP/1.0 200 OK
Content-Type: text/html

<title>A</title><p>Page A text</p>
http://shop.example/b.txt 192.0.2.1 20240501120002 text/plain 52
HTTP/1.0 200 OK
Content-Type: text/plain

Plain B
