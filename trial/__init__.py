"""The 2023 national trial of network-shared certificates (发改办法规〔2023〕54号): rounds, participants,
announcements, coverage, agreements, decryption incidents, usage statistics, bidders' feedback."""
