// Search: a DynamoDB filter expression built from the query string, eval of a sort key, the whole event logged.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEventV2 } from "aws-lambda";

const docs = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async (event: APIGatewayProxyEventV2) => {
  const params = event.queryStringParameters ?? {};
  const term = params.q ?? "";
  const result = await docs.send(new ScanCommand({
    TableName: process.env.TABLE_NAME,
    FilterExpression: "contains(title, " + term + ")",
  }));
  const items = result.Items ?? [];
  const sortKey = params.sort ?? "(a, b) => a.id - b.id";
  items.sort(eval(sortKey));
  console.log(event); // the whole request goes to the logs, its Authorization header with it
  return { statusCode: 200, body: JSON.stringify(items) };
};
