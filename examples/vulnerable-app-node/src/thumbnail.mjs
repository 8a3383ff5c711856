// Thumbnails: the S3 object key reaches a shell, and the output goes back to the same bucket.
import { execSync, exec } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { S3Client, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";

const s3 = new S3Client({});

export async function handler(event) {
  for (const record of event.Records) {
    const bucket = record.s3.bucket.name;
    const key = record.s3.object.key;
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    writeFileSync("/tmp/" + key, await object.Body.transformToByteArray());
    execSync(`convert /tmp/${key} -resize 128x128 /tmp/thumb.png`);
    exec("rm -f /tmp/" + key);
    await s3.send(new PutObjectCommand({
      Bucket: bucket, Key: "thumbs/" + key, Body: readFileSync("/tmp/thumb.png"),
    }));
  }
}
