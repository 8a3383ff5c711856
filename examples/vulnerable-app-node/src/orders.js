// Order handlers: SQL built from the request, and a delete with no authentication.
const mysql = require("mysql2/promise");

const pool = mysql.createPool({ host: "orders-db", password: process.env.DB_PASSWORD });

exports.getOrder = async (event) => {
  const orderId = event.pathParameters.id;
  const [rows] = await pool.query("SELECT * FROM orders WHERE id = '" + orderId + "'");
  return { statusCode: 200, body: JSON.stringify(rows) };
};

exports.deleteOrder = async (event) => {
  const { id } = event.pathParameters;
  await pool.execute(`DELETE FROM orders WHERE id = '${id}'`);
  console.log(`deleted ${id} with password ${process.env.DB_PASSWORD}`);
  return { statusCode: 204 };
};
