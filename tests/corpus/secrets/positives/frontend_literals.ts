const apiKey = "Wp4Lz9Qm2Xk7Tr8Vn3Bc"
const config = { clientSecret: 'Tq8Wm3Lx7Zp2Kr9Vb4Nc' }
