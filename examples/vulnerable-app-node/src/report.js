// Nightly report: reads a template path from the schedule's input.
const fs = require("fs");

exports.handler = async (event) => {
  const path = event.template || "/opt/report.txt";
  return { report: fs.readFileSync(path, "utf8") };
};
